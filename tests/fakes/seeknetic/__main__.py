from .._server import main
from .server import FakeSeeknetic

main(FakeSeeknetic())
