import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the local engine's workers are spawned; a frozen bundle needs this
    from .cli import main  # after: a spawned worker must not import the app before it lowers its priority

    sys.exit(main())
