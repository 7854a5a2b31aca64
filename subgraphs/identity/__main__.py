"""``python -m subgraphs.identity serve|migrate``."""

from subgraphs.common.service import main
from subgraphs.identity.app import SERVICE

raise SystemExit(main(SERVICE))
