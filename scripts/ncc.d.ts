// The parts of @vercel/ncc's JavaScript API that scripts/build.ts uses (it ships no types).
declare module '@vercel/ncc' {
  interface Options {
    quiet?: boolean;
    transpileOnly?: boolean;
    target?: string;
    minify?: boolean;
    sourceMap?: boolean;
  }
  interface Output {
    code: string;
    assets?: Record<string, { source: string | Buffer }>;
  }
  export default function ncc(entry: string, options?: Options): Promise<Output>;
}
