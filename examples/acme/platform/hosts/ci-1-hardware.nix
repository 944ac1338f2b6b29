# Hardware of ci-1, written once by `nixos-generate-config --show-hardware-config` (a small cloud VM).
{ ... }:
{
  fileSystems."/" = {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
  };
  boot.loader.grub.device = "/dev/vda";
  # Set once, at installation; the role hosts set it in hosts/NAME.nix, the runner host here.
  system.stateVersion = "26.05";
}
