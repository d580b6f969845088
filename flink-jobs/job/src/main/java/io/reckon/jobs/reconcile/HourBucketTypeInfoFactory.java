package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.CompactTypeInfo;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Gives {@link HourBucket} its {@link HourBucketSerializer} wherever Flink extracts its type. */
public final class HourBucketTypeInfoFactory extends TypeInfoFactory<HourBucket> {

    @Override
    public TypeInformation<HourBucket> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new CompactTypeInfo<>(HourBucket.class, HourBucketSerializer.INSTANCE);
    }
}
