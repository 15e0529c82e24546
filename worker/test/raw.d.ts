/** A fixture's bytes as text (Vite's `?raw` import): bodies exactly as their tools sent them. */
declare module '*?raw' {
  const text: string;
  export default text;
}
