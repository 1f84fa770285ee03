// Whether to colour output: only on a terminal, and never when NO_COLOR is set (no-color.org).
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}
