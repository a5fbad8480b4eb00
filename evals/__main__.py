"""`python -m evals`: run the retrieval evaluation (see evals/runner.py)."""

import sys

from evals.runner import main

sys.exit(main())
