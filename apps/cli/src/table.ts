/** Aligned columns, two spaces apart, no wider than `maxWidth`: the widest cells are cut with `…`. */
export const renderTable = (headers: readonly string[], rows: readonly (readonly string[])[], maxWidth = 80): string => {
  const length = (cell: string): number => [...cell].length;
  const widths = headers.map((header, column) => Math.max(length(header), ...rows.map((row) => length(row[column] ?? ''))));
  // A column never gets narrower than its header (or 6, for a cut cell to still say something).
  const minWidths = headers.map((header, column) => Math.min(widths[column] ?? 0, Math.max(length(header), 6)));
  const total = (): number => widths.reduce((sum, width) => sum + width, 0) + 2 * (headers.length - 1);
  while (total() > maxWidth) {
    let widest = -1;
    widths.forEach((width, column) => {
      if (width > (minWidths[column] ?? 0) && (widest < 0 || width > (widths[widest] ?? 0))) widest = column;
    });
    if (widest < 0) break; // every column at its minimum: let the line run long rather than lose headers
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const fit = (cell: string, width: number): string => {
    const chars = [...cell];
    const cut = chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : cell;
    return cut + ' '.repeat(Math.max(0, width - length(cut)));
  };
  const line = (cells: readonly string[]): string =>
    headers.map((_, column) => fit(cells[column] ?? '', widths[column] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
};
