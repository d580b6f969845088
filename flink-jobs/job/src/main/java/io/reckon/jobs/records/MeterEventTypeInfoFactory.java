package io.reckon.jobs.records;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Gives {@link MeterEvent} its {@link MeterEventSerializer} wherever Flink extracts its type. */
public final class MeterEventTypeInfoFactory extends TypeInfoFactory<MeterEvent> {

    @Override
    public TypeInformation<MeterEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new CompactTypeInfo<>(MeterEvent.class, MeterEventSerializer.INSTANCE);
    }
}
