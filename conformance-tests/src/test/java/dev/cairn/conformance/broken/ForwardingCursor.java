package dev.cairn.conformance.broken;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.Cursor;

/** A cursor that forwards every call; broken engines override what they break. */
class ForwardingCursor implements Cursor {

  final Cursor delegate;

  ForwardingCursor(Cursor delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean next() {
    return delegate.next();
  }

  @Override
  public void seek(byte[] key) {
    delegate.seek(key);
  }

  @Override
  public byte[] key() {
    return delegate.key();
  }

  @Override
  public byte[] value() {
    return delegate.value();
  }

  @Override
  public ByteView keyView() {
    return delegate.keyView();
  }

  @Override
  public ByteView valueView() {
    return delegate.valueView();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
