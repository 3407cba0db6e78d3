package com.miteos.tasks.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The rows of a multi-row statement, gathered column by column: a batch's rows go to PostgreSQL as
 * one array per column ({@code unnest($1::text[], $2::bigint[], …)}), one statement however many
 * rows, instead of one execution per row. A statement without rows is not sent.
 */
final class Columns {

    private final List<List<Object>> columns = new ArrayList<>();

    Columns(int count) {
        for (int i = 0; i < count; i++) {
            columns.add(new ArrayList<>());
        }
    }

    void add(Object... row) {
        if (row.length != columns.size()) {
            throw new IllegalArgumentException("a row of " + row.length + " values for " + columns.size() + " columns");
        }
        for (int i = 0; i < row.length; i++) {
            columns.get(i).add(row[i]);
        }
    }

    boolean isEmpty() {
        return columns.get(0).isEmpty();
    }

    /** Runs {@code sql} with each column as an array of the type its {@code arrays} factory makes. */
    @SafeVarargs
    final Uni<Void> execute(SqlClient tx, String sql, IntFunction<? extends Object[]>... arrays) {
        if (isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = columns.get(i).toArray(arrays[i].apply(0));
        }
        return tx.preparedQuery(sql).execute(Tuple.from(Arrays.asList(values))).replaceWithVoid();
    }
}
