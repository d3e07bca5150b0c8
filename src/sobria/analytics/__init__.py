"""Analysis at scale: month partitions, rollups, the out-of-core audit (docs/scale.md)."""
