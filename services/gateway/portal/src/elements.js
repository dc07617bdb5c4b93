// The Element Plus components the portal uses, registered by name. Each is imported from its own module: the
// package's main entry builds the full installer at load (all 140-odd components), which no bundler can shake off.
// The library's full CSS is loaded once in main.js.
import { ElAlert } from "element-plus/es/components/alert/index.mjs";
import { ElButton } from "element-plus/es/components/button/index.mjs";
import { ElCard } from "element-plus/es/components/card/index.mjs";
import { ElCheckbox } from "element-plus/es/components/checkbox/index.mjs";
import { ElCol } from "element-plus/es/components/col/index.mjs";
import { ElCollapse, ElCollapseItem } from "element-plus/es/components/collapse/index.mjs";
import { ElConfigProvider } from "element-plus/es/components/config-provider/index.mjs";
import { ElDatePicker } from "element-plus/es/components/date-picker/index.mjs";
import { ElDescriptions, ElDescriptionsItem } from "element-plus/es/components/descriptions/index.mjs";
import { ElDialog } from "element-plus/es/components/dialog/index.mjs";
import { ElDivider } from "element-plus/es/components/divider/index.mjs";
import { ElDropdown, ElDropdownItem, ElDropdownMenu } from "element-plus/es/components/dropdown/index.mjs";
import { ElEmpty } from "element-plus/es/components/empty/index.mjs";
import { ElInput } from "element-plus/es/components/input/index.mjs";
import { ElInputNumber } from "element-plus/es/components/input-number/index.mjs";
import { ElLink } from "element-plus/es/components/link/index.mjs";
import { ElSelect, ElOption } from "element-plus/es/components/select/index.mjs";
import { ElPagination } from "element-plus/es/components/pagination/index.mjs";
import { ElProgress } from "element-plus/es/components/progress/index.mjs";
import { ElRadio, ElRadioButton, ElRadioGroup } from "element-plus/es/components/radio/index.mjs";
import { ElRow } from "element-plus/es/components/row/index.mjs";
import { ElSteps, ElStep } from "element-plus/es/components/steps/index.mjs";
import { ElSwitch } from "element-plus/es/components/switch/index.mjs";
import { ElTable, ElTableColumn } from "element-plus/es/components/table/index.mjs";
import { ElTabs, ElTabPane } from "element-plus/es/components/tabs/index.mjs";
import { ElTag } from "element-plus/es/components/tag/index.mjs";
import { ElTooltip } from "element-plus/es/components/tooltip/index.mjs";
import { ElLoading } from "element-plus/es/components/loading/index.mjs";

const components = [
  ElAlert, ElButton, ElCard, ElCheckbox, ElCol, ElCollapse, ElCollapseItem, ElConfigProvider, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDivider, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElInput, ElInputNumber, ElLink, ElSelect, ElOption, ElPagination, ElProgress, ElRadio, ElRadioButton, ElRadioGroup, ElRow, ElSteps, ElStep, ElSwitch, ElTable, ElTableColumn, ElTabs, ElTabPane, ElTag, ElTooltip,
];

export default {
  install(app) {
    for (const c of components) app.component(c.name, c);
    app.use(ElLoading);
  },
};
