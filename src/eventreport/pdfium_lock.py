"""One lock for PDFium, which must never be used by two threads at once.

pypdfium2 says so of PDFium as a whole, not only of one document. A build draws slides in
worker threads (readers/decks/pictures.py) while its own thread reads PDF decks and
cleans their copies; every use of PDFium in a build holds this lock, and closes what it
opened before letting go of it, so that no PDFium object is freed later (by the garbage
collector, in whatever thread) outside the lock. The proofs (`proofs/returned.py`) and a
new event's folder (`authoring/`) use PDFium in commands that draw no slides.
"""

from __future__ import annotations

import threading

PDFIUM = threading.RLock()
