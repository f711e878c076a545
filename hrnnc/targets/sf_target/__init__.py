"""Strawberry Fields target for qumode k-HRNNs (Strawberry Fields is imported only on emit).

Modules: :mod:`.target` (the :class:`SFTarget` plugin), :mod:`.check_sf_degree` (its limit
analysis), :mod:`.lowering` (cells to an SF-independent gate list), :mod:`.cubic` (exact
cubic-form decomposition search), :mod:`.closed_forms` (polarization identities, binary
cubics, factoring over Q), :mod:`.sdk` (SF import shim and Program building) and
:mod:`.files` (reading Blackbird files with SF's own loader, shim applied).
"""

from __future__ import annotations

from hrnnc.targets.sf_target.check_sf_degree import CheckSfDegree
from hrnnc.targets.sf_target.files import import_strawberryfields, load_blackbird, load_cells, loads_blackbird
from hrnnc.targets.sf_target.target import SFTarget

__all__ = [
    "CheckSfDegree", "SFTarget", "import_strawberryfields", "load_blackbird", "load_cells", "loads_blackbird",
]
