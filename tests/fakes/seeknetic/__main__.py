from .._server import main
from .server import FakeSeeknetic, command_line_options

fake = FakeSeeknetic()
main(fake, options=command_line_options(fake))
