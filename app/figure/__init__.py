"""The figure at build time: the open body mesh, its poses and projections, and the layered SVG files."""
