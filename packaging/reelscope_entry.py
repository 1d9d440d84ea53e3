"""The frozen app's entry point: the analysis workers are spawned copies of this executable."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a spawned worker runs its job here and never reaches main()
    from reelscope.cli import main  # after: a worker must not import the app before it lowers its priority

    sys.exit(main())
