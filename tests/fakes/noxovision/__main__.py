from .._server import main
from .server import FakeNoxovision

main(FakeNoxovision())
