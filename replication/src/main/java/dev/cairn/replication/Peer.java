package dev.cairn.replication;

import dev.cairn.spi.InvalidArgumentException;
import java.util.regex.Pattern;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * One member of a replicated store: a name unique in its cluster and the {@code host:port} its node
 * listens on.
 *
 * @param id 1 to 64 of ASCII letters, digits, {@code .}, {@code _} and {@code -}
 * @param address {@code host:port}
 */
public record Peer(String id, String address) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern ADDRESS = Pattern.compile("[^\\s:]+:(\\d{1,5})");

  /**
   * @throws InvalidArgumentException if the id or the address is not of the form above
   */
  public Peer {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidArgumentException(
          "peer id must be 1 to 64 of letters, digits, '.', '_' and '-': " + id);
    }
    if (address == null || !ADDRESS.matcher(address).matches()) {
      throw new InvalidArgumentException("peer address must be host:port: " + address);
    }
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    if (port < 1 || port > 65_535) {
      throw new InvalidArgumentException("peer port must be 1 to 65535: " + address);
    }
  }

  /**
   * A peer from {@code id=host:port}, as the command line writes it.
   *
   * @throws InvalidArgumentException if {@code spec} is not of that form
   */
  public static Peer parse(String spec) {
    int eq = spec == null ? -1 : spec.indexOf('=');
    if (eq < 0) {
      throw new InvalidArgumentException("peer must be written id=host:port: " + spec);
    }
    return new Peer(spec.substring(0, eq), spec.substring(eq + 1));
  }

  /** The port of the address. */
  public int port() {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  RaftPeer toRaft() {
    return RaftPeer.newBuilder().setId(id).setAddress(address).build();
  }

  RaftPeerId raftId() {
    return RaftPeerId.valueOf(id);
  }

  static Peer of(RaftPeer peer) {
    return new Peer(peer.getId().toString(), peer.getAddress());
  }

  @Override
  public String toString() {
    return id + "=" + address;
  }
}
