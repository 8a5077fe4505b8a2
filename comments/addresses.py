"""A reader's network address: which one to believe, how it is written, what counts as one reader.

- `normalize()`: one spelling per address. IPv6 in its compressed form, an IPv4-mapped IPv6
  address (`::ffff:203.0.113.5`) as the IPv4 address it is, brackets, ports and zone ids
  dropped; anything that is not an address is "" (and is never stored as `ip_address`).
- `client_address()`: REMOTE_ADDR, unless the peer is one of COMMENTS_TRUSTED_PROXIES
  (addresses or networks): then X-Forwarded-For is read from the right, skipping our own
  proxies, and the first address that is not one of them is the reader. Whatever a client
  wrote further left is never believed, and a peer that is not a named proxy cannot send
  the header at all.
- `bucket()`: what the rate limit and reports count as one reader: an IPv4 address, or an
  IPv6 /64 (one household's or phone's prefix: a /64 holds 2^64 addresses for the asking).
"""

import functools
import ipaddress

from django.core.exceptions import ImproperlyConfigured


def parse(value):
    """The ip_address of `value` as a client or proxy writes it, or None."""
    value = (value or "").strip().strip('"')
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.5:8080
        value = value.split(":", 1)[0]
    value = value.split("%", 1)[0]  # fe80::1%eth0
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def normalize(value):
    """`value` as one canonical address string, or "" when it is not an address."""
    address = parse(value)
    return str(address) if address is not None else ""


@functools.lru_cache(maxsize=8)
def _networks(spec):
    networks = []
    for item in spec:
        try:
            networks.append(ipaddress.ip_network(str(item).strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"COMMENTS_TRUSTED_PROXIES: {item!r} is not an address or network (e.g. 10.0.0.0/8, 127.0.0.1, ::1)."
            ) from None
    return tuple(networks)


def trusted_networks(setting):
    """COMMENTS_TRUSTED_PROXIES as networks: a list (or comma-separated string) of addresses
    and networks. A number (the old "count of proxies" form) trusted the header from any
    peer, and is refused."""
    if not setting:
        return ()
    if isinstance(setting, int | float) or (isinstance(setting, str) and setting.strip().isdigit()):
        raise ImproperlyConfigured(
            "COMMENTS_TRUSTED_PROXIES lists the proxies' addresses or networks (e.g. "
            "'127.0.0.1' or '10.0.0.0/8,::1'), not how many there are."
        )
    if isinstance(setting, str):
        setting = setting.split(",")
    return _networks(tuple(str(item).strip() for item in setting if str(item).strip()))


def _within(address, networks):
    return any(address.version == net.version and address in net for net in networks)


def client_address(remote_addr, forwarded_for, trusted):
    """The reader's address (normalized, "" when unknown). See the module docstring."""
    peer = parse(remote_addr)
    networks = trusted_networks(trusted)
    if peer is None or not networks or not _within(peer, networks):
        return str(peer) if peer is not None else ""
    client = peer
    for hop in reversed([part for part in (forwarded_for or "").split(",") if part.strip()]):
        address = parse(hop)
        if address is None:  # not an address: our proxy passed on what a client wrote
            break
        client = address
        if not _within(address, networks):
            break
    return str(client)


def bucket(value):
    """One reader for counting: the IPv4 address, the IPv6 /64, or "unknown"."""
    address = parse(value)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
