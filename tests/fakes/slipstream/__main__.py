from .._server import main
from .server import FakeSlipstream

main(FakeSlipstream())
