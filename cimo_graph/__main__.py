"""``python -m cimo_graph`` runs the command line."""

from .cli import main

raise SystemExit(main())
