/** Architecture rules. */
module dev.cairn.archrules {
  requires transitive com.tngtech.archunit;

  exports dev.cairn.archrules;
}
