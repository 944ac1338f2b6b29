# Hardware of bastion-1, written once by `nixos-generate-config --show-hardware-config` (a small cloud VM).
{ ... }:
{
  fileSystems."/" = {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
  };
  boot.loader.grub.device = "/dev/vda";
}
