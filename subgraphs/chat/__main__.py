"""``python -m subgraphs.chat serve|migrate``."""

from subgraphs.chat.app import SERVICE
from subgraphs.common.service import main

raise SystemExit(main(SERVICE))
