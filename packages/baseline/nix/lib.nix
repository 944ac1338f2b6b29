# Helpers shared by paved's NixOS modules. Plain functions (not a module): `import ./lib.nix { inherit lib; }`.
# Targets nixos-26.05 and nixos-unstable; the firewall options used here (networking.firewall.extraCommands,
# extraInputRules, networking.nftables.enable, networking.enableIPv6) are the same on both.
{ lib }:
let
  octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  ipv4Cidr = "(${octet}\\.){3}${octet}/(3[0-2]|[12]?[0-9])";
  # Loose on purpose: paved validates addresses precisely in TypeScript before it renders them; this
  # pattern only keeps obvious mistakes (a bare address, a host name) out of hand-written configs.
  ipv6Cidr = "[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}/(12[0-8]|1[01][0-9]|[1-9]?[0-9])";
  isIPv6 = cidr: lib.hasInfix ":" cidr;
in
rec {
  cidr = lib.types.strMatching "${ipv4Cidr}|${ipv6Cidr}" // {
    description = "network in CIDR notation (for example 10.0.0.0/8 or 2001:db8::/32)";
  };

  /*
    Firewall rules that accept TCP `port` only from `cidrs`, for whichever firewall backend the host
    uses: nftables (`networking.nftables.enable`) gets `extraInputRules`, iptables gets `extraCommands`
    appended to NixOS' `nixos-fw` chain. The port must not also be in allowedTCPPorts, or it is open
    to everyone regardless.
  */
  allowTcpFrom =
    {
      config,
      port,
      cidrs,
      comment,
    }:
    let
      nft = config.networking.nftables.enable;
      v4 = builtins.filter (c: !isIPv6 c) cidrs;
      v6 = lib.optionals config.networking.enableIPv6 (builtins.filter isIPv6 cidrs);
      p = toString port;
      nftRule = family: nets:
        lib.optionalString (nets != [ ])
          "${family} saddr { ${lib.concatStringsSep ", " nets} } tcp dport ${p} accept comment \"${comment}\"\n";
      iptRule = tool: net:
        "${tool} -A nixos-fw -p tcp -s ${net} --dport ${p} -m comment --comment ${lib.escapeShellArg comment} -j nixos-fw-accept\n";
    in
    {
      # firewalld (networking.firewall.backend, NixOS 25.11+) reads neither rule set: the port would stay
      # closed to everyone, so say so at evaluation instead of locking people out at deploy time.
      assertions = lib.optional (cidrs != [ ]) {
        assertion = (config.networking.firewall.backend or "iptables") != "firewalld";
        message = "paved: ${comment} is restricted to source networks with nftables or iptables rules; the firewalld backend is not supported. Use networking.nftables.enable or the iptables backend, or clear the source-network list.";
      };
      networking.firewall.extraInputRules = lib.mkIf (nft && cidrs != [ ]) (nftRule "ip" v4 + nftRule "ip6" v6);
      networking.firewall.extraCommands = lib.mkIf (!nft && cidrs != [ ]) (
        lib.concatMapStrings (iptRule "iptables") v4 + lib.concatMapStrings (iptRule "ip6tables") v6
      );
    };
}
