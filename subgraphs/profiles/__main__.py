"""``python -m subgraphs.profiles serve|migrate``."""

from subgraphs.common.service import main
from subgraphs.profiles.app import SERVICE

raise SystemExit(main(SERVICE))
