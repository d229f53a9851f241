"""Types of the native module ``fynd._fynd`` (the fynd library crate built with PyO3).

Every method returns the JSON text the command line prints with ``--json``; the package
``fynd`` reads it into Python objects. Use ``fynd``, not this module.
"""

from typing import Any, Dict, List, Optional

class FyndError(Exception):
    """Every error fynd reports; the message is the command line's."""

class IndexNotFound(FyndError):
    """No index in the folder given."""

class QueryError(FyndError):
    """A query, filter, period, sort, match mode or view option that cannot be read."""

class RecordNotFound(FyndError):
    """No record has the id asked for."""

# The options of a search as the command line's text: keys query, filters (KEY=VALUE),
# from, to, sort, facets, match_mode, near.
Options = Dict[str, object]

def index_paths(paths: List[str], index: str, rebuild: bool = False) -> str: ...

class Index:
    def __init__(self, path: str) -> None: ...
    def reload(self) -> None: ...
    def search(
        self, options: Options, limit: int, offset: int, facet_limit: int, explain: bool
    ) -> Dict[str, Any]: ...
    def export(
        self, options: Options, limit: Optional[int], offset: int, body: bool
    ) -> Export: ...
    def facets(self, key: str, options: Options) -> str: ...
    def show(self, id: str) -> str: ...
    def trend(
        self, queries: List[str], options: Options, by: str, share: bool, sum: Optional[str]
    ) -> str: ...
    def kwic(self, options: Options, width: int, sort: str, limit: int) -> str: ...
    def similar(self, id: str, limit: int) -> str: ...
    def cooccur(self, options: Options, limit: int, min_count: int) -> str: ...

class Export:
    @property
    def total(self) -> int: ...
    @property
    def remaining(self) -> int: ...
    def __iter__(self) -> Export: ...
    def __next__(self) -> str: ...
