package io.shadowmq.shadow.store;

class ShadowStoreInMemoryTest extends ShadowStoreContract {
  private ShadowStoreInMemory memory;

  @Override
  protected ShadowStore open() {
    memory = new ShadowStoreInMemory();
    return memory;
  }

  @Override
  protected ShadowStore reopen() {
    return memory; // the same process: memory is what "the same data" means here
  }

  @Override
  protected void closeStore() {
    // nothing to release
  }
}
