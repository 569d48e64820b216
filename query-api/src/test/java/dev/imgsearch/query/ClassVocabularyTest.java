package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassVocabularyTest {
  @Test
  void cocoHasEightyClassesInIdOrder() {
    assertThat(ClassVocabulary.COCO).hasSize(80).doesNotHaveDuplicates();
    assertThat(ClassVocabulary.COCO.get(0)).isEqualTo("person");
    assertThat(ClassVocabulary.COCO.get(2)).isEqualTo("car");
    assertThat(ClassVocabulary.COCO.get(7)).isEqualTo("truck");
    assertThat(ClassVocabulary.COCO.get(79)).isEqualTo("toothbrush");
  }

  @Test
  void synonymsPluralsAndTwoWordNamesMapToClasses() {
    assertThat(ClassVocabulary.labelsIn("a man with a van"))
        .containsExactly("person", "car", "truck");
    assertThat(ClassVocabulary.labelsIn("Women")).containsExactly("person");
    assertThat(ClassVocabulary.labelsIn("people at the back door")).containsExactly("person");
    assertThat(ClassVocabulary.labelsIn("two dogs and buses")).containsExactly("dog", "bus");
    assertThat(ClassVocabulary.labelsIn("STOP SIGN near a traffic light"))
        .containsExactly("stop sign", "traffic light");
    assertThat(ClassVocabulary.labelsIn("faces")).containsExactly("face");
    assertThat(ClassVocabulary.labelsIn("bike")).containsExactly("bicycle", "motorcycle");
  }

  @Test
  void textWithoutClassNamesMapsToNothing() {
    assertThat(ClassVocabulary.labelsIn("sunset over the harbour")).isEmpty();
    assertThat(ClassVocabulary.labelsIn("")).isEmpty();
    assertThat(ClassVocabulary.labelsIn(null)).isEmpty();
    assertThat(ClassVocabulary.isLabel("sign")).isFalse();
    assertThat(ClassVocabulary.all()).contains("face", "person").hasSize(81);
  }
}
