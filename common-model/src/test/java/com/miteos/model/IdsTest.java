package com.miteos.model;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    @Test
    void newIdsArePrefixedLowercaseUlids() {
        String id = Ids.newId(IdPrefix.TASK);

        assertThat(id).matches("task_[0-9a-hjkmnp-tv-z]{26}");
        assertThat(Ids.isValid(IdPrefix.TASK, id)).isTrue();
    }

    @Test
    void idsCreatedLaterSortAfterEarlierOnes() {
        var ids = IntStream.range(0, 1000).mapToObj(i -> Ids.newId(IdPrefix.DELIVERABLE)).toList();

        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void derivedIdsAreStableWellFormedAndSortWithTheirParent() {
        String task = Ids.newId(IdPrefix.TASK);

        String file = Ids.derivedId(IdPrefix.DELIVERABLE, task, "report.md");

        assertThat(file).isEqualTo(Ids.derivedId(IdPrefix.DELIVERABLE, task, "report.md"));
        assertThat(Ids.isValid(IdPrefix.DELIVERABLE, file)).isTrue();
        assertThat(file.substring(5, 15)).isEqualTo(task.substring(5, 15));
        assertThat(file).isNotEqualTo(Ids.derivedId(IdPrefix.DELIVERABLE, task, "report-2.md"))
                .isNotEqualTo(Ids.derivedId(IdPrefix.DELIVERABLE, Ids.newId(IdPrefix.TASK), "report.md"));
    }

    @Test
    void idsOfAnotherKindOrShapeAreRejected() {
        assertThat(Ids.isValid(IdPrefix.TASK, "dlvr_01hwxyz4k8p3mq9rbn2csved")).isFalse();
        assertThat(Ids.isValid(IdPrefix.TASK, "task_01HWXYZ4K8P3MQ9RBN2CSVED")).isFalse();
        assertThat(Ids.isValid(IdPrefix.TASK, "task_01hwxyz4k8p3mq9rbn2csvei")).isFalse();
        assertThat(Ids.isValid(IdPrefix.TASK, "task_../../etc/passwd")).isFalse();
        assertThat(Ids.isValid(IdPrefix.TASK, "task_")).isFalse();
        assertThat(Ids.isValid(IdPrefix.TASK, null)).isFalse();
    }
}
