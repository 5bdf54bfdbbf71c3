"""Reports made from the live data for people who read rather than watch: the briefing
(``briefing``: a period against the previous one; ``sentences``: its numbers in words;
``charts``: its figures; ``document``: everything the PDF holds; ``pdf``: the A4 file;
``png``: chart images drawn by kaleido). The /briefing page and the export routes both
call these, so a download shows exactly what the page shows."""
