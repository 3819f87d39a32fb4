"""phocap: universal education and literacy (PCGD–XMC) for Vietnamese education offices."""

__version__ = "0.1.0"
