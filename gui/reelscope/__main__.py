import multiprocessing
import sys

from .cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the local engine's workers are spawned; a frozen bundle needs this
    sys.exit(main())
