#!/usr/bin/env bash
# tests/fuzz/make_meta_seeds.sh - regenerates the fuzz_meta seed corpus
# (corpus/meta/seed_*.elf): small real revision plugins (about 3 KB each,
# stripped, no separate code pages, no unwind tables) covering what the
# metadata reader has to find: a base and a merge revision, the optional
# symbols (description, verify, non-transactional), packed RELR relocations,
# and the refusals (ABI 99, no descriptor, no upgrade). The files are
# committed; run this only when the SDK's declarations change. They are
# named .elf because the repository ignores *.so.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$here/corpus/meta
inc=$here/../../sdk/include
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CFLAGS=(-shared -fPIC -Os -s -nostdlib -fno-asynchronous-unwind-tables -I"$inc"
        -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--hash-style=gnu -Wl,--build-id=none)

seed() { # seed NAME EXTRA_LDFLAGS <<< C source
  cat >"$tmp/$1.c"
  cc "${CFLAGS[@]}" ${2:-} "$tmp/$1.c" -o "$out/seed_$1.elf"
}

seed base <<'C'
#include <vhost/sdk.h>
VHOST_REVISION("1f0e2d3c4b5a", NULL, "initial schema");
int upgrade(vh_ctx *ctx) { return vh_exec(ctx, "CREATE TABLE t (id int)"); }
int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "DROP TABLE t"); }
C
seed merge <<'C'
#include <vhost/sdk.h>
VHOST_REVISION("3cfc87221979", "2d12193b6184, 2d1299990000", "merge two branches");
VHOST_DESCRIPTION("A merge revision\nwith a description.");
VHOST_NON_TRANSACTIONAL();
VHOST_VERIFY();
int upgrade(vh_ctx *ctx) { return vh_exec(ctx, "CREATE INDEX CONCURRENTLY i ON t (id)"); }
int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "DROP INDEX CONCURRENTLY i"); }
int verify(vh_ctx *ctx) { return vh_exec(ctx, "SELECT 1"); }
C
seed relr -Wl,-z,pack-relative-relocs <<'C'
#include <vhost/sdk.h>
VHOST_REVISION("360b16ba22c2", "1f0e2d3c4b5a", "packed relocations");
int upgrade(vh_ctx *ctx) { return vh_exec(ctx, "ALTER TABLE t ADD c int"); }
int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "ALTER TABLE t DROP c"); }
C
seed abi99 <<'C'
#include <vhost/sdk.h>
#define EXPORT __attribute__((visibility("default"), used))
EXPORT const char revision_id[] = "c0ffee000002";
EXPORT const char *const down_revision = NULL;
EXPORT const vh_abi_desc vh_revision_abi_data = {sizeof(vh_abi_desc), 99, 0, VH_ABI_MAGIC, 0};
EXPORT const vh_abi_desc *vh_revision_abi(void) { return &vh_revision_abi_data; }
EXPORT int upgrade(vh_ctx *ctx) { return vh_exec(ctx, "SELECT 1"); }
EXPORT int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "SELECT 1"); }
C
seed noabi <<'C'
#define EXPORT __attribute__((visibility("default"), used))
EXPORT const char revision_id[] = "c0ffee000001";
EXPORT const char *const down_revision = "1f0e2d3c4b5a";
EXPORT int upgrade(void *ctx) { return ctx != 0; }
EXPORT int downgrade(void *ctx) { return ctx != 0; }
C
seed noupgrade <<'C'
#include <vhost/sdk.h>
#define EXPORT __attribute__((visibility("default"), used))
EXPORT const char revision_id[] = "c0ffee000003";
EXPORT const char *const down_revision = NULL;
EXPORT const char revision_message[] = "no upgrade";
EXPORT const vh_abi_desc vh_revision_abi_data = {sizeof(vh_abi_desc), VH_SDK_ABI_MAJOR,
						 VH_SDK_ABI_MINOR, VH_ABI_MAGIC, 0};
EXPORT const vh_abi_desc *vh_revision_abi(void) { return &vh_revision_abi_data; }
EXPORT int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "SELECT 1"); }
C
chmod 644 "$out"/seed_*.elf
ls -l "$out"
