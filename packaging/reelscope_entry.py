"""The frozen app's entry point: the analysis workers are spawned copies of this executable."""

import multiprocessing
import sys

from reelscope.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a spawned worker runs its job here and never reaches main()
    sys.exit(main())
