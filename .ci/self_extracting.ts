/**
 * `deno task package`'s file format: a POSIX sh header followed by the gzip-compressed Deno runtime and the
 * gzip-compressed bundled program. The header checks the payload's sha256, unpacks both at first run into a
 * versioned cache directory that only its owner (or root) can write, checks the unpacked files' sha256 and
 * then execs the runtime on the program with the entry point's permissions. Later runs exec at once.
 *
 * It needs only what every glibc Linux has: sh, GNU coreutils (id, stat, mkdir, mktemp, tail, head,
 * sha256sum, chmod, mv, rm) and gzip.
 */

/** One file of the payload, unpacked into the cache directory under `name`. */
export interface PayloadFile {
  readonly name: string;
  /** The file's bytes, gzip-compressed (the runtime is compressed once and shared by every package). */
  readonly gz: Uint8Array;
  /** sha256 of the uncompressed bytes: checked after unpacking. */
  readonly sha256: string;
  readonly mode: "555" | "444";
}

export interface SelfExtractingInput {
  /** Executable name, also the cache directory's prefix (`wca`, `wrapper-stress-ng` …). */
  readonly name: string;
  readonly version: string;
  /** `deno run` flags: permissions and runtime flags. */
  readonly runFlags: readonly string[];
  /** `deno` (the runtime), `<name>.js` (the program), and whatever the program's import map names. */
  readonly files: readonly PayloadFile[];
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Single-quoted for sh: the flags are ours, but quoting keeps any future value literal. */
function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

interface HeaderFields {
  readonly name: string;
  readonly version: string;
  readonly runFlags: readonly string[];
  readonly payloadOffset: number;
  readonly payloadSha256: string;
  readonly files: readonly PayloadFile[];
}

/** One `unpack NAME OFFSET BYTES SHA256 MODE` line per file, offsets relative to the payload. */
function unpackLines(files: readonly PayloadFile[]): string {
  let offset = 0;
  return files.map((file) => {
    const line = `  unpack ${file.name} ${offset} ${file.gz.length} ${file.sha256} ${file.mode}`;
    offset += file.gz.length;
    return line;
  }).join("\n");
}

function header(f: HeaderFields): string {
  return `#!/bin/sh
# ${f.name} ${f.version}: a self-contained executable (the offline form of \`deno task compile\`), built by
# \`deno task package\`: this sh header, then the gzip-compressed Deno runtime and program. At first run it
# checks their sha256 and unpacks them into a cache directory only its owner or root can write:
# $WCA_CACHE_DIR, else /var/cache/wca for root, else \${XDG_CACHE_HOME:-$HOME/.cache}/wca.
# Needs sh, GNU coreutils and gzip.
set -eu
name=${f.name}
version=${f.version}
payload_offset=${f.payloadOffset}
payload_sha256=${f.payloadSha256}

die() {
  printf '%s: %s\\n' "$name" "$*" >&2
  exit 1
}

me=$(id -u)
if [ -n "\${WCA_CACHE_DIR:-}" ]; then
  base=$WCA_CACHE_DIR
elif [ "$me" = 0 ]; then
  base=/var/cache/wca
elif [ -n "\${XDG_CACHE_HOME:-}" ]; then
  base=$XDG_CACHE_HOME/wca
elif [ -n "\${HOME:-}" ]; then
  base=$HOME/.cache/wca
else
  die "no cache directory to unpack into: set WCA_CACHE_DIR, XDG_CACHE_HOME or HOME"
fi
case $base in
/*) ;;
*) die "the cache directory '$base' is not an absolute path" ;;
esac
dir=$base/$name-$version-$(printf '%.16s' "$payload_sha256")

# Owned by this user or root, and writable by no one else: nobody else can swap what we exec.
owner_only() {
  info=$(stat -L -c '%u %A' -- "$1") || return 1
  owner=\${info%% *}
  mode=\${info#* }
  [ "$owner" = "$me" ] || [ "$owner" = 0 ] || return 1
  case $mode in
  ?????w* | ????????w*) return 1 ;;
  esac
}
refuse() {
  die "refusing the cache directory '$1': it must be owned by uid $me or root and writable by nobody else (set WCA_CACHE_DIR to another one)"
}

if [ ! -d "$base" ]; then
  (umask 077 && mkdir -p -- "$base") || die "cannot create the cache directory '$base'"
fi
owner_only "$base" || refuse "$base"

if [ ! -d "$dir" ]; then
  tmp=$(mktemp -d -- "$base/.unpack.XXXXXXXX") || die "cannot write to the cache directory '$base'"
  trap 'rm -rf -- "$tmp"' EXIT
  actual=$(tail -c +"$payload_offset" -- "$0" | sha256sum)
  actual=\${actual%% *}
  [ "$actual" = "$payload_sha256" ] ||
    die "$0 is damaged: its payload's sha256 is $actual, expected $payload_sha256; copy the file again"
  unpack() {
    tail -c +"$((payload_offset + $2))" -- "$0" | head -c "$3" | gzip -dc >"$tmp/$1" ||
      die "cannot unpack $1 into '$tmp'"
    printf '%s  %s\\n' "$4" "$tmp/$1" | sha256sum -c --quiet --status - ||
      die "the unpacked $1 does not match its sha256"
    chmod "$5" "$tmp/$1"
  }
${unpackLines(f.files)}
  chmod 755 "$tmp"
  # Another first run may have won the race: its copy is the same, keep it.
  mv -T -- "$tmp" "$dir" 2>/dev/null || [ -d "$dir" ] || die "cannot move '$tmp' to '$dir'"
  rm -rf -- "$tmp"
  trap - EXIT
fi
owner_only "$dir" || refuse "$dir"

export DENO_NO_UPDATE_CHECK=1
# The import map lets -r modules import the plugin API (@wca/wca) and its libraries (zod, yaml) offline.
exec "$dir/deno" run --no-config --import-map="$dir/import_map.json" \\
  ${f.runFlags.map(shQuote).join(" ")} "$dir/$name.js" "$@"
`;
}

/** The whole file: the header (its payload offset fixed by iterating until its length is stable), then the payload. */
export async function selfExtracting(input: SelfExtractingInput): Promise<Uint8Array> {
  const payload = new Uint8Array(input.files.reduce((sum, file) => sum + file.gz.length, 0));
  let at = 0;
  for (const file of input.files) {
    payload.set(file.gz, at);
    at += file.gz.length;
  }
  const fields = {
    name: input.name,
    version: input.version,
    runFlags: input.runFlags,
    payloadSha256: await sha256Hex(payload),
    files: input.files,
  };
  let offset = 1;
  let text = header({ ...fields, payloadOffset: offset });
  for (;;) {
    const bytes = new TextEncoder().encode(text).length;
    if (bytes + 1 === offset) break;
    offset = bytes + 1; // tail -c +N counts from 1
    text = header({ ...fields, payloadOffset: offset });
  }
  const head = new TextEncoder().encode(text);
  const file = new Uint8Array(head.length + payload.length);
  file.set(head, 0);
  file.set(payload, head.length);
  return file;
}

/** A payload file from uncompressed bytes. */
export async function payloadFile(
  name: string,
  bytes: Uint8Array,
  mode: "555" | "444",
): Promise<PayloadFile> {
  return { name, gz: await gzip(bytes), sha256: await sha256Hex(bytes), mode };
}
