"""``python -m lumen_kernel``: the same as the ``lumen`` command."""

import sys

from lumen_kernel.cli.app import main

if __name__ == "__main__":
    sys.exit(main())
