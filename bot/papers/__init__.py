"""Papers a service company files: the service report PDF and QR sticker sheets.

fpdf2 draws them (pure Python, embeds a subset of a TrueType font); the font is matplotlib's
bundled DejaVu Sans, which covers Latin and Cyrillic and ships with a dependency we already
have, so nothing is downloaded at run time. QR codes are drawn by segno.
"""
