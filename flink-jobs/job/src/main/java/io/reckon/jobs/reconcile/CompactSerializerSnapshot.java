package io.reckon.jobs.reconcile;

import java.util.function.Supplier;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;

/**
 * Snapshot of a stateless compact serializer that also accepts state written by Flink's POJO
 * serializer of the same class: savepoints taken before the compact encoding restore through a
 * migration (Flink reads each value with the restored POJO serializer and writes it with the new
 * one), so nothing has to be dropped on upgrade.
 *
 * @param <T> the serialized class
 */
public abstract class CompactSerializerSnapshot<T> extends SimpleTypeSerializerSnapshot<T> {

    private final Class<T> type;

    protected CompactSerializerSnapshot(Class<T> type, Supplier<? extends TypeSerializer<T>> serializer) {
        super(serializer);
        this.type = type;
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> oldSerializerSnapshot) {
        if (oldSerializerSnapshot instanceof PojoSerializerSnapshot && isPojoOf(oldSerializerSnapshot)) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return super.resolveSchemaCompatibility(oldSerializerSnapshot);
    }

    /**
     * The POJO snapshot does not expose its class; the restored serializer's new instance tells it
     * (these classes have public no-argument constructors, as the POJO serializer required).
     */
    private boolean isPojoOf(TypeSerializerSnapshot<T> pojoSnapshot) {
        try {
            Object instance = pojoSnapshot.restoreSerializer().createInstance();
            return instance != null && instance.getClass() == type;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
