from .._server import main
from .server import FakeTwelveLabs, command_line_options

fake = FakeTwelveLabs()
main(fake, options=command_line_options(fake))
