"""``python -m twin.cli``: the same as the ``twin`` command."""

import sys

from twin.cli.main import main

sys.exit(main())
