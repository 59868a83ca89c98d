import sys

from maxcert.cli import main

sys.exit(main())
