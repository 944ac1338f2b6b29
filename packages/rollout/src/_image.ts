/**
 * `paved image build HOST --format FMT`: an image of a host's configuration, built by NixOS's own image builders:
 * `config.system.build.images.<variant>` (nixos/modules/image/images.nix, NixOS 25.05 and later, also on 26.05
 * and unstable). Each variant's derivation carries `passthru.filePath`, the image's path inside its output.
 * Variants on nixos-26.05 include amazon, azure, digital-ocean, google-compute, hyperv, iso, iso-installer,
 * kexec, kubevirt, linode, lxc, lxc-metadata, oci, openstack, openstack-zfs, proxmox, proxmox-lxc, qemu,
 * qemu-efi, raw, raw-efi, sd-card, vagrant-virtualbox, virtualbox and vmware; `paved image formats` asks the
 * pinned release rather than trusting this list.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { flakeAttrPath, nixJson, parseBuildResults, PavedError, runNix } from "@paved/core";
import { loadRolloutInputs } from "./_config.ts";

export interface ImageOptions {
  dir: string;
  /** Extra flake arguments, e.g. ["--override-input", "nixpkgs", "path:/srv/nixpkgs"] (as nixos-rebuild takes). */
  nixArgs?: string[];
  host: string;
  format: string;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  dryRun?: boolean;
}

export interface ImageResult {
  host: string;
  format: string;
  /** The build output (a directory) and the image file inside it. */
  out: string;
  path: string;
  size: number;
  sha256: string;
  command: string[];
}

async function flakeFor(dir: string, host?: string): Promise<{ flake: string; host: string }> {
  const inputs = await loadRolloutInputs(dir);
  const names = inputs.hosts.map((h) => h.name);
  const chosen = host ?? names[0];
  if (!chosen)
    throw new PavedError("E_INPUT", "paved.yaml lists no hosts", { hint: "Add a host under `hosts:` first." });
  if (!names.includes(chosen))
    throw new PavedError("E_INPUT", `No host named ${chosen} in paved.yaml`, { hint: `Hosts: ${names.join(", ")}.` });
  return { flake: inputs.rollout.flake ?? dir, host: chosen };
}

const imagesPath = (host: string) => ["nixosConfigurations", host, "config", "system", "build", "images"];
const imagesAttr = (flake: string, host: string, ...rest: string[]) =>
  `${flake}#${flakeAttrPath([...imagesPath(host), ...rest])}`;

/** The image variants the pinned NixOS offers for a host (attribute names of system.build.images). */
export async function imageFormats(options: {
  dir: string;
  host?: string;
  signal?: AbortSignal;
  nixArgs?: string[];
}): Promise<{ host: string; formats: string[] }> {
  const { flake, host } = await flakeFor(options.dir, options.host);
  try {
    const formats = await nixJson<string[]>(
      ["eval", ...(options.nixArgs ?? []), imagesAttr(flake, host), "--apply", "builtins.attrNames"],
      { signal: options.signal, cwd: options.dir },
    );
    return { host, formats };
  } catch (error) {
    if (
      error instanceof PavedError &&
      /does not provide attribute|attribute 'images' missing/.test(error.message + JSON.stringify(error.details))
    ) {
      throw new PavedError("E_IMAGE_UNSUPPORTED", `The NixOS of ${host} has no system.build.images`, {
        hint: "Image variants need NixOS 25.05 or later; update the pinned nixpkgs.",
        cause: error,
      });
    }
    throw error;
  }
}

export async function buildImage(options: ImageOptions): Promise<ImageResult> {
  const { flake, host } = await flakeFor(options.dir, options.host);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(options.format)) {
    throw new PavedError("E_USAGE", `${JSON.stringify(options.format)} is not an image format name`, {
      hint: "List them with `paved image formats`.",
    });
  }
  const attr = imagesAttr(flake, host, options.format);
  const args = ["build", "--no-link", "--json", ...(options.nixArgs ?? []), attr];
  if (options.dryRun) {
    const { argv } = await runNix(args, { dryRun: true });
    return { host, format: options.format, out: "", path: "", size: 0, sha256: "", command: argv };
  }
  const { formats } = await imageFormats({ dir: options.dir, host, signal: options.signal, nixArgs: options.nixArgs });
  if (!formats.includes(options.format)) {
    throw new PavedError("E_IMAGE_FORMAT", `${host} has no image format ${options.format}`, {
      hint: `Formats of the pinned NixOS: ${formats.join(", ")}.`,
      details: { formats },
    });
  }
  const result = await runNix(args, { signal: options.signal, onProgress: options.onProgress, cwd: options.dir });
  const out = parseBuildResults(result.stdout)[0]?.outputs.out;
  if (!out)
    throw new PavedError("E_NIX_OUTPUT", `nix build reported no output for ${attr}`, {
      hint: "Run `paved doctor` to see which Nix this is.",
    });
  const filePath = await nixJson<string>(
    ["eval", ...(options.nixArgs ?? []), imagesAttr(flake, host, options.format, "passthru", "filePath")],
    { signal: options.signal, cwd: options.dir },
  );
  const path = join(out, filePath);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new PavedError("E_IMAGE_MISSING", `The ${options.format} build has no file at ${filePath}`, {
      hint: "The image module's image.filePath does not match its output.",
    });
  }
  return { host, format: options.format, out, path, size: info.size, sha256: await sha256(path), command: result.argv };
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}
