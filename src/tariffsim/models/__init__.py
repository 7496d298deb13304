"""Economic models: partial equilibrium (``pe``) and Caliendo-Parro general equilibrium (``ge``)."""
