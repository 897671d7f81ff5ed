package io.shadowmq.loadtest.scenario;

/** Device shadow topics of a thing, in the AWS IoT layout or the short {@code state/} layout. */
record ShadowTopics(String thing, boolean shortLayout) {

  String base() {
    return shortLayout ? "state/" + thing : "$aws/things/" + thing + "/shadow";
  }

  String update() {
    return base() + "/update";
  }

  String accepted() {
    return update() + "/accepted";
  }

  String rejected() {
    return update() + "/rejected";
  }

  String delta() {
    return update() + "/delta";
  }
}
