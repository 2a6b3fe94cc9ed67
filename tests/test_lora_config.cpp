// adapter_config.json's target_modules pattern: Python's re.fullmatch semantics, and bounded
// matching, since an adapter is a file from the internet (a pattern the fuzzer found made the
// former std::regex backtrack for minutes).
#include <QFile>
#include <QTest>

#include <chrono>
#include <string>

#include "core/io/error.h"
#include "core/model/lora_config.h"

using namespace abc;

namespace {

LoraConfig withTargets(const std::string& pattern) {
    const std::string text =
        R"({"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": )" +
        std::string("\"") + pattern + "\"}";
    return LoraConfig::fromJsonText(text, "adapter_config.json");
}

}  // namespace

class TestLoraConfig : public QObject {
    Q_OBJECT

  private slots:
    void patternMatchesWholeNamesAsPythonDoes() {
        const auto config = withTargets(R"(.*\\.(?P<which>q|v)_proj)");
        QVERIFY(config.targets("model.layers.0.self_attn.q_proj"));
        QVERIFY(config.targets("model.layers.11.self_attn.v_proj"));
        QVERIFY(!config.targets("model.layers.0.self_attn.k_proj"));
        QVERIFY(!config.targets("model.layers.0.self_attn.q_proj.extra"));  // fullmatch
        const auto alternation = withTargets(R"(model\\.layers\\.[02]\\.mlp\\.(gate|up)_proj)");
        QVERIFY(alternation.targets("model.layers.2.mlp.up_proj"));
        QVERIFY(!alternation.targets("model.layers.1.mlp.up_proj"));
        QVERIFY(!alternation.targets("xmodel.layers.2.mlp.up_proj"));
        QVERIFY(withTargets("(?i)VISUAL\\\\..*").targets("visual.blocks.0.attn.qkv"));
    }

    void invalidPatternNamesTheSetting() {
        try {
            withTargets("model.(q_proj");
            QFAIL("an unbalanced group compiled");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()),
                     QStringLiteral("adapter_config.json: target_modules"));
            QVERIFY2(
                std::string(e.problem()).find("does not compile at offset") != std::string::npos,
                e.what());
        }
    }

    // Found by fuzz_adapter_config: a setting of an unforeseen type escaped as nlohmann's
    // type_error instead of the file's error.
    void unexpectedTypesAreTheFilesError() {
        for (const char* text : {R"({"peft_type": [], "r": 8, "lora_alpha": 16})",
                                 R"({"peft_type": "LORA", "r": 8, "lora_alpha": 16,
                                     "target_modules": ["q_proj"], "bias": 7})"}) {
            try {
                LoraConfig::fromJsonText(text, "adapter_config.json");
                QFAIL(text);
            } catch (const Error& e) {
                QVERIFY2(QString::fromStdString(e.subject()).startsWith("adapter_config.json"),
                         e.what());
            }
        }
    }

    void backtrackingPatternIsAnErrorNotAHang() {
        const auto config = withTargets("(x+x+)+[yz]");
        const auto start = std::chrono::steady_clock::now();
        QVERIFY_THROWS_EXCEPTION(Error, config.targets(std::string(40, 'x')));
        // Not a timing assertion on speed: without a bound this takes longer than the test's
        // whole time limit, with it the budget is spent in milliseconds.
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
    }

    void fuzzerFindingIsRefusedQuickly() {
        QFile file(QStringLiteral(ABC_TEST_SOURCE_DIR "/fuzz/corpus/fuzz_adapter_config/"
                                                      "regression_backtracking_pattern.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const std::string text = file.readAll().toStdString();
        try {
            const auto config = LoraConfig::fromJsonText(text, "adapter_config.json");
            for (const char* name :
                 {"model.layers.0.self_attn.q_proj", "visual.blocks.3.attn.qkv", "lm_head", ""}) {
                config.targets(name);
            }
        } catch (const Error&) {
            // refused, with a message: what a hostile file must get
        }
    }
};

QTEST_GUILESS_MAIN(TestLoraConfig)
#include "test_lora_config.moc"
