#!/bin/sh
# Build the offline verifier (/verify/offline/) into academy/static/verifier/, which is committed:
# the app and CI need no npm. Run after changing src/ or package.json:  sh web/verifier/build.sh
set -eu
cd "$(dirname "$0")"
OUT=../../academy/static/verifier
npm ci --no-audit --no-fund
rm -rf "$OUT"
mkdir -p "$OUT/licenses"
# Our code with cborg, fflate, @noble/ed25519, @noble/hashes and zxing-wasm's reader, as one module.
npx esbuild src/main.js --bundle --format=esm --target=es2020 --minify --legal-comments=none \
  --log-override:unsupported-dynamic-import=silent --outfile="$OUT/verifier.js"
npx esbuild src/sw.js --minify --target=es2020 --outfile="$OUT/sw.js"
# Files used as they are published: zxing-cpp's WebAssembly and pdf.js (loaded when a PDF is read).
cp node_modules/zxing-wasm/dist/reader/zxing_reader.wasm "$OUT/"
cp node_modules/pdfjs-dist/build/pdf.min.mjs node_modules/pdfjs-dist/build/pdf.worker.min.mjs "$OUT/"
for package in zxing-wasm pdfjs-dist @noble/ed25519 @noble/hashes cborg fflate; do
  cp "node_modules/$package/LICENSE" "$OUT/licenses/$(echo "$package" | tr -d @ | tr / -).txt"
done
cat > "$OUT/licenses/README.txt" <<NOTE
Third-party code in this folder, built by web/verifier/build.sh from npm packages:
$(for package in zxing-wasm pdfjs-dist @noble/ed25519 @noble/hashes cborg fflate; do
  node -p "const p = require('./node_modules/$package/package.json'); p.name + ' ' + p.version + ' (' + p.license + ')'"
done)
zxing_reader.wasm is zxing-cpp (Apache-2.0: the same licence text as pdfjs-dist.txt) compiled by
zxing-wasm (MIT: zxing-wasm.txt).
NOTE
ls -l "$OUT" "$OUT/licenses"
