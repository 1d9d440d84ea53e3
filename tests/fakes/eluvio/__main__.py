from .._server import main
from .server import FakeEluvio, command_line_options

fake = FakeEluvio()
main(fake, options=command_line_options(fake))
