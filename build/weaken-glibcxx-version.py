#!/usr/bin/python3
"""Mark one GNU version requirement of an ELF shared library weak, in place, so a loader that lacks it still loads the file.

Why: TorchSharp 0.107.0's libLibTorchSharp.so declares GLIBCXX_3.4.32 (GCC 13's libstdc++) for a single symbol,
std::ios_base_library_init(), a marker that nothing calls. Debian 12's libstdc++ stops at GLIBCXX_3.4.30, so dlopen
fails and TorchSharp reports a misleading "doesn't contain a reference to libtorch-cpu-linux-x64". glibc's loader treats a
missing version whose Vernaux entry carries VER_FLG_WEAK (0x2) as a warning, not an error (elf/dl-version.c, match_symbol).

What: find the .gnu.version_r section (SHT_GNU_verneed), walk its Verneed / Vernaux chains, and OR VER_FLG_WEAK into
vna_flags of the entry naming the version (default GLIBCXX_3.4.32). Nothing else changes: same size, same layout.

Where: ONLY the copy in a test or sample build's output directory (an MSBuild target runs this after build; see
docs/torchsharp.md). The file is rewritten to a temporary file and renamed over the original, so a hard link into the
NuGet cache is broken, never written through. Never run it on the NuGet cache or on a shipped package.

Usage: weaken-glibcxx-version.py FILE [VERSION]. Exit 0 when the entry is now weak (or already was), or when the file
does not require VERSION at all (another TorchSharp build); exit 1 on a file that is not a 64-bit little-endian ELF.
"""
import os
import struct
import sys
import tempfile

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def weaken(data: bytearray, version: bytes) -> str:
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    # Elf64_Ehdr: e_shoff at 0x28, e_shentsize at 0x3A, e_shnum at 0x3C.
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(e_shnum):
        # Elf64_Shdr: sh_name, sh_type (u32), sh_flags, sh_addr, sh_offset, sh_size (u64), sh_link, sh_info (u32), ...
        sh_type, = struct.unpack_from("<I", data, e_shoff + i * e_shentsize + 4)
        sh_offset, sh_size = struct.unpack_from("<QQ", data, e_shoff + i * e_shentsize + 0x18)
        sh_link, sh_info = struct.unpack_from("<II", data, e_shoff + i * e_shentsize + 0x28)
        sections.append((sh_type, sh_offset, sh_size, sh_link, sh_info))
    for sh_type, offset, _size, link, count in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][1]  # the linked .dynstr holds the names
        need = offset
        for _ in range(count):
            # Elf64_Verneed: vn_version (u16), vn_cnt (u16), vn_file, vn_aux, vn_next (u32)
            _vn_version, vn_cnt, _vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, need)
            aux = need + vn_aux
            for _ in range(vn_cnt):
                # Elf64_Vernaux: vna_hash (u32), vna_flags (u16), vna_other (u16), vna_name, vna_next (u32)
                _hash, flags, _other, name, vna_next = struct.unpack_from("<IHHII", data, aux)
                start = strtab + name
                if bytes(data[start:data.index(b"\0", start)]) == version:
                    if flags & VER_FLG_WEAK:
                        return "already weak"
                    struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                    return "marked weak"
                aux += vna_next
            need += vn_next
    return "not required"


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print("usage: weaken-glibcxx-version.py FILE [VERSION]", file=sys.stderr)
        return 2
    path = sys.argv[1]
    version = (sys.argv[2] if len(sys.argv) == 3 else "GLIBCXX_3.4.32").encode()
    with open(path, "rb") as f:
        data = bytearray(f.read())
    try:
        outcome = weaken(data, version)
    except ValueError as e:
        print(f"error: {path}: {e}", file=sys.stderr)
        return 1
    if outcome == "marked weak":
        # A new file renamed over the old one: a hard link into the NuGet cache is broken, not written through.
        directory = os.path.dirname(os.path.abspath(path))
        fd, temp = tempfile.mkstemp(dir=directory, prefix=".weaken-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(temp, os.stat(path).st_mode & 0o7777)
        os.replace(temp, path)
    print(f"{path}: {version.decode()} {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
