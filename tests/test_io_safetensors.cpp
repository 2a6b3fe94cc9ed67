// The safetensors reader on the real tiny checkpoint, the writer round trip, and every
// malformation the format can carry: each must give an error naming the file and tensor.
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/error.h"
#include "core/io/safetensors.h"

namespace {

// Builds a file from a header JSON string and a data section, bypassing the writer so the
// header can be as broken as a test needs.
void writeRaw(const std::string& path, const std::string& header, const std::string& data,
              std::uint64_t declaredLength = 0) {
    std::ofstream out(path, std::ios::binary);
    std::uint64_t n = declaredLength != 0 ? declaredLength : header.size();
    for (int i = 0; i < 8; ++i) {
        out.put(static_cast<char>((n >> (8 * i)) & 0xff));
    }
    out << header << data;
}

std::string errorOf(const std::string& path) {
    try {
        abc::SafetensorsFile::open(path);
    } catch (const abc::Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestIoSafetensors : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;
    std::string file(const char* name) { return (dir_.path() + "/" + name).toStdString(); }

  private slots:
    void readsTheTinyCheckpointShards() {
        const std::string shard =
            std::string(ABC_REFERENCE_DIR) + "/tiny-abc/Qwen2-VL/model-00001-of-00002.safetensors";
        const auto st = abc::SafetensorsFile::open(shard);
        QVERIFY(!st.tensors().empty());
        std::ifstream indexFile(std::string(ABC_REFERENCE_DIR) +
                                "/tiny-abc/Qwen2-VL/model.safetensors.index.json");
        const auto index = nlohmann::json::parse(indexFile);
        int inThisShard = 0;
        for (const auto& [name, shardName] : index["weight_map"].items()) {
            if (shardName == "model-00001-of-00002.safetensors") {
                ++inThisShard;
                const auto* t = st.find(name);
                QVERIFY2(t != nullptr, name.c_str());
                QCOMPARE(t->dtype, abc::TensorDType::BF16);
                QCOMPARE(static_cast<std::int64_t>(t->byteLength()), t->elementCount() * 2);
            }
        }
        QCOMPARE(static_cast<int>(st.tensors().size()), inThisShard);
    }

    void readsScalarsFromTheAdapter() {
        const auto st = abc::SafetensorsFile::open(
            std::string(ABC_REFERENCE_DIR) + "/tiny-abc/ABC-Pretrain/adapter_model.safetensors");
        const auto& temp = st.at("base_model.model.temperature.temp");
        QVERIFY(temp.shape.empty());
        QCOMPARE(temp.elementCount(), std::int64_t{1});
        QCOMPARE(temp.dtype, abc::TensorDType::F32);
    }

    void writerRoundTrips() {
        const std::vector<float> values = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
        const std::int64_t scalar = 42;
        abc::writeSafetensors(file("rt.safetensors"),
                              {{"pixel_values",
                                abc::TensorDType::F32,
                                {2, 3},
                                values.data(),
                                values.size() * sizeof(float)},
                               {"count", abc::TensorDType::I64, {}, &scalar, sizeof(scalar)}},
                              {{"format", "pt"}});
        const auto st = abc::SafetensorsFile::open(file("rt.safetensors"));
        QCOMPARE(st.metadata().at("format"), std::string("pt"));
        const auto& pv = st.at("pixel_values");
        QCOMPARE(pv.shape, (std::vector<std::int64_t>{2, 3}));
        std::vector<float> back(6);
        std::memcpy(back.data(), st.data(pv), 6 * sizeof(float));
        QCOMPARE(back, values);
        std::int64_t count = 0;
        std::memcpy(&count, st.data(st.at("count")), sizeof(count));
        QCOMPARE(count, scalar);
    }

    void missingTensorNamesFileAndTensor() {
        const float one = 1.0f;
        abc::writeSafetensors(file("one.safetensors"),
                              {{"a", abc::TensorDType::F32, {1}, &one, sizeof(one)}});
        const auto st = abc::SafetensorsFile::open(file("one.safetensors"));
        try {
            st.at("b");
            QFAIL("expected an error");
        } catch (const abc::Error& e) {
            QVERIFY(std::string(e.what()).find("one.safetensors") != std::string::npos);
            QVERIFY(std::string(e.what()).find("'b'") != std::string::npos);
        }
    }

    void malformedFilesAreRefusedWithContext_data() {
        QTest::addColumn<QString>("header");
        QTest::addColumn<int>("dataBytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << "{nope" << 0 << "not valid JSON";
        QTest::newRow("not an object") << "[1,2]" << 0 << "not a JSON object";
        QTest::newRow("unknown dtype")
            << R"({"w":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})" << 1 << "'w'";
        QTest::newRow("offsets past data")
            << R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})" << 4 << "outside";
        QTest::newRow("shape vs bytes")
            << R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})" << 8 << "needs 12 bytes";
        QTest::newRow("overlap")
            << R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})"
            << 8 << "overlaps";
        QTest::newRow("gap") << R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})" << 8
                             << "gap";
        QTest::newRow("uncovered tail")
            << R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})" << 8 << "cover";
        QTest::newRow("negative dim")
            << R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})" << 4 << "non-negative";
        QTest::newRow("overflowing shape")
            << R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})" << 4
            << "overflows";
        QTest::newRow("missing field")
            << R"({"a":{"dtype":"F32","shape":[1]}})" << 4 << "data_offsets";
    }

    void malformedFilesAreRefusedWithContext() {
        QFETCH(QString, header);
        QFETCH(int, dataBytes);
        QFETCH(QString, expected);
        const std::string path = file("bad.safetensors");
        writeRaw(path, header.toStdString(),
                 std::string(static_cast<std::size_t>(dataBytes), '\0'));
        const std::string message = errorOf(path);
        QVERIFY2(message.find("bad.safetensors") != std::string::npos, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    }

    void truncatedAndHugeHeaders() {
        writeRaw(file("short.safetensors"), "", "", 0);
        std::ofstream(file("tiny.safetensors"), std::ios::binary) << "abc";
        QVERIFY(errorOf(file("tiny.safetensors")).find("too short") != std::string::npos);
        writeRaw(file("trunc.safetensors"), "{}", "", 4096);
        QVERIFY(errorOf(file("trunc.safetensors")).find("past the end") != std::string::npos);
        writeRaw(file("huge.safetensors"), "{}", "", 200ULL * 1024 * 1024);
        QVERIFY(errorOf(file("huge.safetensors")).find("100 MB") != std::string::npos);
        QVERIFY(errorOf(file("absent.safetensors")).find("cannot open") != std::string::npos);
        QVERIFY(errorOf(dir_.path().toStdString()).find("not a regular file") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestIoSafetensors)
#include "test_io_safetensors.moc"
